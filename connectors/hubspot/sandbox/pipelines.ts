// Deal pipelines: the read endpoints (/crm/v3/pipelines/deals…) in the SDK's Pipeline shape and
// the admin helper that adds a custom pipeline, as a portal admin would in settings.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAnyScope } from './crm-auth.ts';
import { makeStage, type Pipeline } from './deal-defs.ts';
import { notFoundError, validationError } from './errors.ts';
import { crmObjectType, type SandboxState } from './state.ts';
import type { PipelineInput } from './types.ts';

/** Only deal pipelines are modelled; other object types get HubSpot's unknown-type 400. */
function dealsOnly(req: Request, _res: Response, next: NextFunction): void {
  if (crmObjectType(String(req.params.objectType)) !== 'deals') {
    throw validationError(`Unable to infer object type from: ${String(req.params.objectType)}`);
  }
  next();
}

export function pipelinesRouter(state: SandboxState): Router {
  const router = Router();
  const read = requireAnyScope('crm.objects.deals.read');
  const base = '/crm/v3/pipelines/:objectType';
  const find = (req: Request): Pipeline => {
    const pipeline = state.pipelines.get(String(req.params.pipelineId));
    if (!pipeline) throw notFoundError(`Unable to find pipeline with id ${String(req.params.pipelineId)}`);
    return pipeline;
  };

  router.get(base, dealsOnly, read, (_req: Request, res: Response) => {
    res.json({ results: [...state.pipelines.values()].sort((a, b) => a.displayOrder - b.displayOrder) });
  });
  router.get(`${base}/:pipelineId`, dealsOnly, read, (req: Request, res: Response) => {
    res.json(find(req));
  });
  router.get(`${base}/:pipelineId/stages`, dealsOnly, read, (req: Request, res: Response) => {
    res.json({ results: find(req).stages });
  });
  return router;
}

/** Adds a custom deal pipeline; ids default to numeric strings like HubSpot's. Returns its id. */
export function addDealPipeline(state: SandboxState, input: PipelineInput): string {
  if (!input.label?.trim()) throw new Error('addDealPipeline: label is required');
  if ([...state.pipelines.values()].some((p) => p.label === input.label)) throw new Error(`addDealPipeline: a pipeline is already labelled '${input.label}'`);
  if (!input.stages?.length) throw new Error('addDealPipeline: at least one stage is required');
  const id = input.id ?? state.customId();
  if (state.pipelines.has(id)) throw new Error(`addDealPipeline: pipeline id ${id} already exists`);
  const taken = new Set([...state.pipelines.values()].flatMap((p) => p.stages.map((s) => s.id)));
  const at = new Date(state.now()).toISOString();
  const stages = input.stages.map((s, i) => {
    if (!(s.probability >= 0 && s.probability <= 1)) throw new Error(`addDealPipeline: stage '${s.label}' probability must be within 0..1`);
    const stageId = s.id ?? state.customId();
    if (taken.has(stageId)) throw new Error(`addDealPipeline: stage id ${stageId} is already used`);
    taken.add(stageId);
    return makeStage(at, stageId, s.label, i, s.probability, s.isClosed ?? (s.probability === 0 || s.probability === 1));
  });
  const displayOrder = input.displayOrder ?? Math.max(...[...state.pipelines.values()].map((p) => p.displayOrder)) + 1;
  state.pipelines.set(id, { id, label: input.label, displayOrder, archived: false, createdAt: at, updatedAt: at, stages });
  return id;
}
