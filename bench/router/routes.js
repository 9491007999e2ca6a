// A 1,000-route table shaped like a large REST API: 40 resources of 25 routes each, a third
// static, most with one or more parameters, a few wildcards; and the lookups run against it.

const RESOURCES = (
  'users orders products invoices customers payments shipments carts reviews categories ' +
  'coupons refunds subscriptions plans teams projects tasks comments files folders events ' +
  'tickets messages threads notifications webhooks tokens sessions roles permissions audits ' +
  'reports dashboards widgets settings locales currencies warehouses suppliers vendors'
).split(' ')

/** The 25 routes of one resource: 8 static, 15 with parameters, 2 wildcards. */
function resourceRoutes(r) {
  return [
    ['GET', `/api/${r}`],
    ['POST', `/api/${r}`],
    ['GET', `/api/${r}/search`],
    ['GET', `/api/${r}/count`],
    ['GET', `/api/${r}/export`],
    ['POST', `/api/${r}/bulk`],
    ['GET', `/api/${r}/schema`],
    ['DELETE', `/api/${r}/cache`],
    ['GET', `/api/${r}/:id`],
    ['PUT', `/api/${r}/:id`],
    ['PATCH', `/api/${r}/:id`],
    ['DELETE', `/api/${r}/:id`],
    ['GET', `/api/${r}/:id/history`],
    ['GET', `/api/${r}/:id/comments`],
    ['POST', `/api/${r}/:id/comments`],
    ['GET', `/api/${r}/:id/comments/:commentId`],
    ['DELETE', `/api/${r}/:id/comments/:commentId`],
    ['GET', `/api/${r}/:id/tags`],
    ['PUT', `/api/${r}/:id/tags/:tag`],
    ['GET', `/api/${r}/:id/versions/:version`],
    ['GET', `/api/${r}/:id/versions/:version/diff/:other`],
    ['POST', `/api/${r}/:id/archive`],
    ['POST', `/api/${r}/:id/restore`],
    ['GET', `/api/${r}/:id/files/*`],
    ['GET', `/static/${r}/*`],
  ]
}

export const ROUTES = RESOURCES.flatMap(resourceRoutes)

/** Lookups by kind; every path is a real request path (no query string, nothing to decode). */
export const LOOKUPS = {
  'static hit': [
    ['GET', '/api/users'],
    ['POST', '/api/orders'],
    ['GET', '/api/products/search'],
    ['GET', '/api/vendors/count'],
    ['DELETE', '/api/tickets/cache'],
    ['GET', '/api/settings/schema'],
  ],
  'param hit': [
    ['GET', '/api/users/42'],
    ['PATCH', '/api/orders/ord_8f3a9c'],
    ['GET', '/api/invoices/2024-0012/history'],
    ['GET', '/api/projects/7/comments/981'],
    ['PUT', '/api/teams/core/tags/backend'],
    ['GET', '/api/reports/q3/versions/12/diff/11'],
  ],
  'wildcard hit': [
    ['GET', '/static/users/css/app.css'],
    ['GET', '/static/vendors/img/logo.svg'],
    ['GET', '/api/folders/9/files/docs/2024/plan.pdf'],
  ],
  miss: [
    ['GET', '/favicon.ico'],
    ['GET', '/api/unknown'],
    ['GET', '/api/users/42/unknown'],
    ['GET', '/api/orders/1/comments/2/extra'],
    ['POST', '/api/users/42/history'],
    ['GET', '/v2/api/users'],
  ],
}
