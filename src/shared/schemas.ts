// The building blocks of the contract's input schemas (ids, paths, splits…), the image filter and the training
// configuration: zod schemas shared by contract.ts's requests. Names of calls and events stay in contract.ts.
import { z } from 'zod';

export const id = z.number().int().nonnegative();
export const runId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'run id: lowercase letters, digits and dashes');
export const path = z.string().min(1).max(4096);
export const split = z.enum(['train', 'val', 'test']);
export const origin = z.enum(['folder', 'manual', 'suggestion']);
export const backendChoice = z.enum(['auto', 'tensorflow', 'wasm', 'cpu']);
// embedding map (#13): 'features' or 'run:<run id>'
export const mapSource = z.string().regex(/^(features|run:[a-z0-9-]{1,64})$/, "source: 'features' or 'run:<run id>'");

export const imageFilterSchema = z
  .object({
    classIds: z.array(id).max(1000).optional(),
    splits: z.array(split).max(3).optional(),
    origins: z.array(origin).max(3).optional(),
    conflictsOnly: z.boolean().optional(),
    runId: runId.optional(),
    predictedClassIds: z.array(id).max(1000).optional(),
    correctness: z.enum(['correct', 'wrong']).optional(),
    confidenceMin: z.number().min(0).max(1).optional(),
    confidenceMax: z.number().min(0).max(1).optional(),
    search: z.string().max(256).optional(),
    imageIds: z.array(id).max(100_000).optional(),
    missingOnly: z.boolean().optional(),
    // unlabeled images and their suggestions (#14)
    unlabeledOnly: z.boolean().optional(),
    suggestedClassIds: z.array(id).max(1000).optional(),
    suggestionMin: z.number().min(0).max(1).optional(),
    suggestionMax: z.number().min(0).max(1).optional(),
    // Browse uses the default model (#11): only the images the run predicted
    runOnly: z.boolean().optional(),
  })
  .strict();

const trainCommon = {
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(4096),
  learningRate: z.number().positive().max(10),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  augment: z.boolean(),
  earlyStopping: z.boolean(),
  patience: z.number().int().min(1).max(100),
  backend: backendChoice,
  maxPerClass: z.number().int().positive().optional(),
  testViews: z.boolean().optional(),
  // the object's size and outline inform the prediction (issue 12; engine/features/shape.ts)
  shapeFeatures: z.boolean().optional(),
};

export const trainConfigSchema = z.discriminatedUnion('model', [
  z
    .object({
      model: z.literal('cnn'),
      imageSize: z.number().int().min(16).max(512),
      filters: z.array(z.number().int().min(1).max(1024)).min(1).max(8),
      dense: z.array(z.number().int().min(1).max(8192)).max(4),
      dropout: z.number().min(0).max(0.95),
      // CNN batch norm + global pooling (issue 12)
      batchNorm: z.boolean().optional(),
      globalPool: z.boolean().optional(),
      ...trainCommon,
    })
    .strict(),
  z
    .object({
      model: z.literal('mobilenetv2'),
      alpha: z.union([z.literal(1), z.literal(0.35)]),
      fineTuneBlocks: z.number().int().min(0).max(17),
      dense: z.array(z.number().int().min(1).max(8192)).max(4),
      dropout: z.number().min(0).max(0.95),
      weightsDir: path.optional(),
      ...trainCommon,
    })
    .strict(),
]);
