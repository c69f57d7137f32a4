/**
 * Stand-in for 'vitest' in the browser bundle: '@tessera/core/testing' re-exports the vitest
 * wrapper of the conformance suite, which the page never calls (it runs the cases itself).
 */
const absent = (name: string) => () => {
  throw new Error(`vitest.${name} is not available in the browser page`);
};
export const describe = absent('describe');
export const it = absent('it');
export const beforeAll = absent('beforeAll');
export const afterAll = absent('afterAll');
export const expect = absent('expect');
