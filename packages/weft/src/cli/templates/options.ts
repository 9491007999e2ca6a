import type { RuntimeName } from '../project.js'

export type TemplateName = 'api' | 'fullstack' | 'realtime'
export const TEMPLATES: readonly TemplateName[] = ['api', 'fullstack', 'realtime']

export type DatabaseName = 'sqlite' | 'postgres' | 'mongodb'
export const DATABASES: readonly DatabaseName[] = ['sqlite', 'postgres', 'mongodb']

export interface TemplateOptions {
  /** The app's package name (the folder's name). */
  name: string
  template: TemplateName
  db: DatabaseName
  runtime: RuntimeName
  /** The weftjs dependency as package.json holds it: `^0.1.0`, or a tarball for testing a build. */
  weftjs: string
  /** Subpaths this weftjs exports (`./secure-headers`...): a template needing a missing one refuses. */
  subpaths: ReadonlySet<string>
}

/** path -> content */
export type Files = Record<string, string>
