// NestJS 12, the same app as servers/weft.js: 5 modules, 20 providers; GET /orders/:id
// resolves a request-scoped view. Plain JavaScript, so no decorator compiler touches
// Weft's tsconfig: the decorators are applied by hand, with `design:paramtypes` written
// as TypeScript's emitDecoratorMetadata would write it.
// PLATFORM=fastify|express. COLD=1 serves the cold-start app (50 providers, 100 routes).
import 'reflect-metadata'
import { Controller, Get, Inject, Injectable, Module, Param, Scope } from '@nestjs/common'
import { NestFactory, REQUEST } from '@nestjs/core'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const platform = process.env.PLATFORM ?? 'fastify'

/** `@Injectable({ scope }) class X { constructor(a: A, b: B) }`, by hand. */
function injectable(target, deps = [], scope) {
  Injectable(scope ? { scope } : undefined)(target)
  Reflect.defineMetadata('design:paramtypes', deps, target)
  deps.forEach((dep, index) => {
    if (typeof dep !== 'function') Inject(dep)(target, undefined, index)
  })
  return target
}

function route(target, method, path, decorator, params = []) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, method)
  Object.defineProperty(
    target.prototype,
    method,
    decorator(path)(target.prototype, method, descriptor) ?? descriptor,
  )
  for (const [index, param] of params.entries()) param(target.prototype, method, index)
  Reflect.defineMetadata(
    'design:paramtypes',
    params.map(() => String),
    target.prototype,
    method,
  )
}

function nestModule(target, metadata) {
  Module(metadata)(target)
  return target
}

// config
const SETTINGS = 'SETTINGS'
class Clock {
  now = () => 1_700_000_000_000
}
class IdGen {
  next = (prefix, n) => `${prefix}_${n}`
}
class Tax {
  constructor(settings) {
    this.settings = settings
  }
  apply = (amount) => Math.round(amount * (1 + this.settings.taxRate))
}
injectable(Clock)
injectable(IdGen)
injectable(Tax, [SETTINGS])
class ConfigModule {}
nestModule(ConfigModule, {
  providers: [{ provide: SETTINGS, useValue: { taxRate: 0.2, currency: 'EUR' } }, Clock, IdGen, Tax],
  exports: [SETTINGS, Clock, IdGen, Tax],
})
// @Global()
Reflect.defineMetadata('__module:global__', true, ConfigModule)

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
  constructor(db) {
    this.db = db
  }
  get = (id) => this.db.users.get(id)
}
class ProductTable {
  constructor(db) {
    this.db = db
  }
  get = (id) => this.db.products.get(id)
}
class OrderTable {
  constructor(db) {
    this.db = db
  }
  get = (id) => this.db.orders.get(id)
}
injectable(Db)
injectable(UserTable, [Db])
injectable(ProductTable, [Db])
injectable(OrderTable, [Db])
class DbModule {}
nestModule(DbModule, {
  providers: [Db, UserTable, ProductTable, OrderTable],
  exports: [UserTable, ProductTable, OrderTable],
})

// users
class UserRepo {
  constructor(table) {
    this.table = table
  }
  find = (id) => this.table.get(id)
}
class Permissions {
  canView = (user) => user !== undefined
}
class Profile {
  display = (user) => ({ id: user.id, name: user.name })
}
class UserService {
  constructor(repo, permissions, profile) {
    Object.assign(this, { repo, permissions, profile })
  }
  view(id) {
    const user = this.repo.find(id)
    return this.permissions.canView(user) ? this.profile.display(user) : null
  }
}
injectable(UserRepo, [UserTable])
injectable(Permissions)
injectable(Profile)
injectable(UserService, [UserRepo, Permissions, Profile])
class UsersModule {}
nestModule(UsersModule, {
  imports: [DbModule],
  providers: [UserRepo, Permissions, Profile, UserService],
  exports: [UserService],
})

// catalog
class ProductRepo {
  constructor(table) {
    this.table = table
  }
  find = (id) => this.table.get(id)
}
class Stock {
  available = () => true
}
class PriceService {
  constructor(tax) {
    this.tax = tax
  }
  price = (product, qty) => this.tax.apply(product.price * qty)
}
class CatalogService {
  constructor(repo, stock, prices) {
    Object.assign(this, { repo, stock, prices })
  }
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
injectable(ProductRepo, [ProductTable])
injectable(Stock)
injectable(PriceService, [Tax])
injectable(CatalogService, [ProductRepo, Stock, PriceService])
class CatalogModule {}
nestModule(CatalogModule, {
  imports: [DbModule],
  providers: [ProductRepo, Stock, PriceService, CatalogService],
  exports: [CatalogService],
})

// orders: the request-scoped part
class RequestContext {
  constructor(request) {
    this.requestId = request.headers['x-request-id'] ?? 'none'
  }
}
class OrderRepo {
  constructor(table) {
    this.table = table
  }
  find = (id) => this.table.get(id)
}
class OrderService {
  constructor(repo, users, catalog, settings) {
    Object.assign(this, { repo, users, catalog, settings })
  }
  summary(id) {
    const order = this.repo.find(id)
    const lines = order.items.map((item) => this.catalog.line(item))
    const total = lines.reduce((sum, line) => sum + line.total, 0)
    return { id, user: this.users.view(order.userId), lines, total, currency: this.settings.currency }
  }
}
class OrderView {
  constructor(request, orders) {
    Object.assign(this, { request, orders })
  }
  render = (id) => ({ ...this.orders.summary(id), requestId: this.request.requestId })
}
injectable(RequestContext, [REQUEST], Scope.REQUEST)
injectable(OrderRepo, [OrderTable])
injectable(OrderService, [OrderRepo, UserService, CatalogService, SETTINGS])
injectable(OrderView, [RequestContext, OrderService], Scope.REQUEST)
class OrdersController {
  constructor(view) {
    this.view = view
  }
  show(id) {
    return this.view.render(id)
  }
}
Controller('orders')(OrdersController)
Reflect.defineMetadata('design:paramtypes', [OrderView], OrdersController)
route(OrdersController, 'show', ':id', Get, [Param('id')])
class OrdersModule {}
nestModule(OrdersModule, {
  imports: [DbModule, UsersModule, CatalogModule],
  controllers: [OrdersController],
  providers: [RequestContext, OrderRepo, OrderService, OrderView],
})

class AppModule {}
nestModule(AppModule, { imports: [ConfigModule, DbModule, UsersModule, CatalogModule, OrdersModule] })

/** 5 modules of 10 providers (2 request-scoped) and a controller of 20 routes each. */
function coldApp() {
  const modules = Array.from({ length: 5 }, (_, m) => {
    const providers = []
    for (let p = 0; p < 10; p++) {
      const previous = providers[p - 1]
      const Provider = class {
        constructor(dep) {
          this.dep = dep ?? null
        }
        value = () => `m${m}p${p}`
      }
      Object.defineProperty(Provider, 'name', { value: `M${m}P${p}` })
      injectable(Provider, previous ? [previous] : [], p >= 8 ? Scope.REQUEST : undefined)
      providers.push(Provider)
    }
    const last = providers[providers.length - 1]
    class Routes {
      constructor(service) {
        this.service = service
      }
    }
    Object.defineProperty(Routes, 'name', { value: `M${m}Controller` })
    Controller(`m${m}`)(Routes)
    Reflect.defineMetadata('design:paramtypes', [last], Routes)
    for (let i = 0; i < 20; i++) {
      Routes.prototype[`r${i}`] = function (id) {
        return { id, v: this.service.value() }
      }
      route(Routes, `r${i}`, `r${i}/:id`, Get, [Param('id')])
    }
    class ColdModule {}
    Object.defineProperty(ColdModule, 'name', { value: `M${m}Module` })
    return nestModule(ColdModule, { providers, controllers: [Routes] })
  })
  class ColdApp {}
  return nestModule(ColdApp, { imports: modules })
}

const root = process.env.COLD === '1' ? coldApp() : AppModule
let adapter
if (platform === 'fastify') {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify')
  adapter = new FastifyAdapter()
} else {
  const { ExpressAdapter } = await import('@nestjs/platform-express')
  adapter = new ExpressAdapter()
}
const app = await NestFactory.create(root, adapter, { logger: false })
await app.listen(port, '127.0.0.1')
