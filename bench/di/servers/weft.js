// Weft with weftjs/di: 5 modules, 20 providers; GET /orders/:id resolves a request-scoped
// view that injects the request context and singletons from four other modules.
// COLD=1 serves the cold-start app instead: 5 modules, 50 providers, 100 routes.

import { CONTEXT, inject, module, token } from '../.build/weft/di/index.js'
import { serve, weft } from '../.build/weft/index.js'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)

// config
const SETTINGS = token('SETTINGS')
class Clock {
  now = () => 1_700_000_000_000
}
class IdGen {
  next = (prefix, n) => `${prefix}_${n}`
}
class Tax {
  settings = inject(SETTINGS)
  apply = (amount) => Math.round(amount * (1 + this.settings.taxRate))
}
const config = module({
  name: 'config',
  global: true,
  providers: [{ provide: SETTINGS, useValue: { taxRate: 0.2, currency: 'EUR' } }, Clock, IdGen, Tax],
  exports: [SETTINGS, Clock, IdGen, Tax],
})

// db
class Db {
  users = new Map([['1', { id: '1', name: 'Ada' }]])
  products = new Map([
    ['p1', { id: 'p1', title: 'Loom', price: 1200 }],
    ['p2', { id: 'p2', title: 'Thread', price: 300 }],
  ])
  orders = new Map([
    [
      '42',
      {
        id: '42',
        userId: '1',
        items: [
          { productId: 'p1', qty: 1 },
          { productId: 'p2', qty: 3 },
        ],
      },
    ],
  ])
}
class UserTable {
  db = inject(Db)
  get = (id) => this.db.users.get(id)
}
class ProductTable {
  db = inject(Db)
  get = (id) => this.db.products.get(id)
}
class OrderTable {
  db = inject(Db)
  get = (id) => this.db.orders.get(id)
}
const data = module({
  name: 'db',
  providers: [Db, UserTable, ProductTable, OrderTable],
  exports: [UserTable, ProductTable, OrderTable],
})

// users
class UserRepo {
  table = inject(UserTable)
  find = (id) => this.table.get(id)
}
class Permissions {
  canView = (user) => user !== undefined
}
class Profile {
  display = (user) => ({ id: user.id, name: user.name })
}
class UserService {
  repo = inject(UserRepo)
  permissions = inject(Permissions)
  profile = inject(Profile)
  view(id) {
    const user = this.repo.find(id)
    return this.permissions.canView(user) ? this.profile.display(user) : null
  }
}
const users = module({
  name: 'users',
  imports: [data],
  providers: [UserRepo, Permissions, Profile, UserService],
  exports: [UserService],
})

// catalog
class ProductRepo {
  table = inject(ProductTable)
  find = (id) => this.table.get(id)
}
class Stock {
  available = () => true
}
class PriceService {
  tax = inject(Tax)
  price = (product, qty) => this.tax.apply(product.price * qty)
}
class CatalogService {
  repo = inject(ProductRepo)
  stock = inject(Stock)
  prices = inject(PriceService)
  line(item) {
    const product = this.repo.find(item.productId)
    return {
      title: product.title,
      qty: item.qty,
      total: this.prices.price(product, item.qty),
      inStock: this.stock.available(),
    }
  }
}
const catalog = module({
  name: 'catalog',
  imports: [data],
  providers: [ProductRepo, Stock, PriceService, CatalogService],
  exports: [CatalogService],
})

// orders: the request-scoped part
class RequestContext {
  static scope = 'request'
  ctx = inject(CONTEXT)
  requestId = this.ctx.headerValue('x-request-id') ?? 'none'
}
class OrderRepo {
  table = inject(OrderTable)
  find = (id) => this.table.get(id)
}
class OrderService {
  repo = inject(OrderRepo)
  users = inject(UserService)
  catalog = inject(CatalogService)
  settings = inject(SETTINGS)
  summary(id) {
    const order = this.repo.find(id)
    const lines = order.items.map((item) => this.catalog.line(item))
    const total = lines.reduce((sum, line) => sum + line.total, 0)
    return { id, user: this.users.view(order.userId), lines, total, currency: this.settings.currency }
  }
}
class OrderView {
  static scope = 'request'
  request = inject(RequestContext)
  orders = inject(OrderService)
  render = (id) => ({ ...this.orders.summary(id), requestId: this.request.requestId })
}
const orders = module({
  name: 'orders',
  prefix: '/orders',
  imports: [data, users, catalog],
  providers: [RequestContext, OrderRepo, OrderService, OrderView],
  routes: (r) => r.get('/:id', (ctx) => ctx.get(OrderView).render(ctx.params.id)),
})

/** 5 modules of 10 providers (2 request-scoped) and 20 routes each. */
function coldModules() {
  return Array.from({ length: 5 }, (_, m) => {
    const providers = []
    for (let p = 0; p < 10; p++) {
      const previous = providers[p - 1]
      const Provider = class {
        static scope = p >= 8 ? 'request' : 'singleton'
        dep = previous ? inject(previous) : null
        value = () => `m${m}p${p}`
      }
      Object.defineProperty(Provider, 'name', { value: `M${m}P${p}` })
      providers.push(Provider)
    }
    const last = providers[providers.length - 1]
    return module({
      name: `m${m}`,
      prefix: `/m${m}`,
      providers,
      routes: (r) => {
        for (let i = 0; i < 20; i++)
          r.get(`/r${i}/:id`, (ctx) => ({ id: ctx.params.id, v: ctx.get(last).value() }))
      },
    })
  })
}

const modules = process.env.COLD === '1' ? coldModules() : [config, data, users, catalog, orders]
const app = weft({ logger: false, modules })
await serve(app, { port, hostname: '127.0.0.1' })
