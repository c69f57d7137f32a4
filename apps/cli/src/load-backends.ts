/**
 * Import every backend package the CLI knows. Importing registers a backend; a package that
 * fails to import (not installed, broken build) is reported, never silently dropped.
 */
export const BACKEND_PACKAGES = [
  '@tessera/backend-cpu',
  '@tessera/backend-native',
  '@tessera/backend-webgpu',
] as const;

export interface ImportFailure {
  readonly packageName: string;
  readonly reason: string;
}

let loaded: Promise<ImportFailure[]> | undefined;

export function loadBackends(): Promise<ImportFailure[]> {
  loaded ??= (async () => {
    const failures: ImportFailure[] = [];
    for (const packageName of BACKEND_PACKAGES) {
      try {
        await import(packageName);
      } catch (err) {
        failures.push({ packageName, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return failures;
  })();
  return loaded;
}
