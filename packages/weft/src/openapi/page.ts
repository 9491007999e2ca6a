/**
 * The docs page: plain HTML whose every URL is on this origin, and no inline script, so
 * it runs under a strict Content-Security-Policy (sent with it) and a secure-headers CSP.
 */
export function docsPage(options: { title: string; assets: string; json: string; version: string }): string {
  const asset = (file: string) =>
    escapeHtml(`${options.assets}/${file}?v=${encodeURIComponent(options.version)}`)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32">
<link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16">
<style>body{margin:0;background:#fafafa}</style>
</head>
<body>
<div id="swagger-ui" data-url="${escapeHtml(options.json)}"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('weft-docs.js')}"></script>
</body>
</html>
`
}

/**
 * Starts Swagger UI on the document named by the page. The validator badge is off: it
 * would send the document to validator.swagger.io.
 */
export const INIT_SCRIPT = `'use strict';
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true
  });
})();
`

/**
 * The page's policy: scripts and styles from this origin only (Swagger UI sets inline
 * styles, hence 'unsafe-inline' for styles), requests to this origin and the servers the
 * document names, nothing framed or posted elsewhere.
 */
export function docsPolicy(servers: { url: string }[] | undefined): string {
  const origins = new Set<string>()
  for (const server of servers ?? []) {
    try {
      origins.add(new URL(server.url).origin)
    } catch {
      // A relative server URL is this origin: 'self' covers it.
    }
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...origins].join(' '),
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ')
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char])
}
