// Preloaded into Bun by the module-graph test: loading any file of the Node adapter throws.
const bun = (globalThis as unknown as { Bun: { plugin(plugin: object): void } }).Bun
bun.plugin({
  name: 'refuse-node-adapter',
  setup(build: { onLoad(options: { filter: RegExp }, load: (args: { path: string }) => never): void }) {
    build.onLoad({ filter: /adapters[\\/]node[\\/]/ }, ({ path }) => {
      throw new Error(`WEFT_TEST: Bun loaded the Node adapter (${path})`)
    })
  },
})
