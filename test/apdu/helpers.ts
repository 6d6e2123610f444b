/** Helpers shared by the APDU-layer tests. */

/** The error `f` throws; fails the test when it throws nothing. */
export function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
