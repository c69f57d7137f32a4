/** Every conformance case, in the order the suite runs them. */
import { convCases, convGradCases } from './conv.js';
import { creationCases } from './creation.js';
import { elementwiseCases, elementwiseGradCases } from './elementwise.js';
import { errorCases } from './errors.js';
import { matmulCases, matmulGradCases } from './matmul.js';
import { poolCases, poolGradCases } from './pool.js';
import { reduceCases, reduceGradCases } from './reduce.js';
import { shapeCases, shapeGradCases } from './shape.js';
import { softmaxCases, softmaxGradCases } from './softmax.js';
import type { ConformanceCase, GradCase } from './types.js';

export * from './types.js';

export function forwardCases(): ConformanceCase[] {
  return [
    ...creationCases,
    ...elementwiseCases,
    ...reduceCases,
    ...matmulCases,
    ...shapeCases,
    ...softmaxCases,
    ...convCases,
    ...poolCases,
  ];
}

export function gradCases(): GradCase[] {
  return [
    ...elementwiseGradCases,
    ...reduceGradCases,
    ...matmulGradCases,
    ...shapeGradCases,
    ...softmaxGradCases,
    ...convGradCases,
    ...poolGradCases,
  ].filter((c): c is GradCase => c.kind === 'grad');
}

export function allCases(): ConformanceCase[] {
  const cases = [...forwardCases(), ...gradCases(), ...errorCases];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`conformance: duplicate case name '${c.name}'`);
    seen.add(c.name);
  }
  return cases;
}
