/** Loads an optional peer dependency, or says which package to install and why. */
export async function loadOptional<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const code = (error as { code?: string }).code
    if (
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)/.test(String(error))
    ) {
      throw new Error(
        `WEFT_PEER_MISSING: ${purpose} needs the "${name}" package; install it: npm install ${name}`,
        {
          cause: error,
        },
      )
    }
    throw error
  }
}
