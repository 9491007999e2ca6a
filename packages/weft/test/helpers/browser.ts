// Debian's chromium, driven by playwright-core, for the tests that need a real page. In CI
// a missing browser fails the test; on a laptop it skips, loudly.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const found = existsSync(CHROMIUM)

// Without the background-networking flags, Chromium keeps dialling hosts this machine
// cannot reach, and those refusals slow every start.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The `skip` option for a browser test: a reason (warned once) when no Chromium, else false. */
export function browserSkip(what: string): string | false {
  if (found || process.env.CI === 'true') return false
  console.warn(
    `\n!!! SKIPPING ${what}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  )
  return `no Chromium at ${CHROMIUM}`
}

/** A headless Chromium; under CI=true a missing one fails the test. */
export function launchBrowser(): Promise<Browser> {
  assert.ok(found, `Chromium is required under CI=true: none at ${CHROMIUM}`)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}
