/** What a weights file records about its model, so `tessera eval` can rebuild it. */
import { FormatError, buildModel, isModelName, type Sequential } from '@tessera/layers';
import { UsageError } from './args.js';

export interface ModelMeta {
  readonly model: string;
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
}

export function metaToStrings(
  meta: ModelMeta,
  extra: Record<string, string | number>,
): Record<string, string> {
  const out: Record<string, string> = {
    'tessera.model': meta.model,
    'tessera.input_shape': meta.inputShape.join(','),
    'tessera.num_classes': String(meta.numClasses),
  };
  for (const [k, v] of Object.entries(extra)) out[`tessera.${k}`] = String(v);
  return out;
}

/** Parse 'C,H,W' (from --input or a weights file). */
export function parseInputShape(text: string, where: string): [number, number, number] {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || !parts.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UsageError(`${where}: expected C,H,W (three positive integers), got '${text}'`);
  }
  return [parts[0], parts[1], parts[2]];
}

export function metaFromStrings(m: Readonly<Record<string, string>>, path: string): ModelMeta {
  const model = m['tessera.model'];
  const shape = m['tessera.input_shape'];
  const classes = Number(m['tessera.num_classes']);
  if (model === undefined || shape === undefined || !Number.isInteger(classes)) {
    throw new FormatError(
      `${path}: the file's metadata does not say which model it holds (tessera.model, tessera.input_shape, ` +
        `tessera.num_classes); pass --model, --input and --classes`,
    );
  }
  return {
    model,
    inputShape: parseInputShape(shape, `${path} metadata tessera.input_shape`),
    numClasses: classes,
  };
}

export function buildFromMeta(meta: ModelMeta, seed = 0): Sequential {
  if (!isModelName(meta.model))
    throw new UsageError(`unknown model '${meta.model}' (known: linear, mlp, lenet, convnet)`);
  return buildModel(meta.model, { inputShape: meta.inputShape, numClasses: meta.numClasses, seed });
}
