import { ServiceUnavailableException } from '../errors/app.exception.js';

/**
 * A generation engine's load failure as the client sees it: SERVICE_UNAVAILABLE with the engine's code
 * in `extensions.reason` (one of `reasons`, else ENGINE_LOAD_FAILED), what it means, and how to get a
 * bundle. The engine's own message, with server paths, goes to the log only.
 */
export function engineUnavailable(err: unknown, what: string, reasons: Record<string, string>, howToGetABundle: string): ServiceUnavailableException {
  if (err instanceof ServiceUnavailableException) return err;
  const code = (err as { code?: unknown }).code;
  const reason = typeof code === 'string' && code in reasons ? code : 'ENGINE_LOAD_FAILED';
  return new ServiceUnavailableException(`${what} is unavailable (${reason}): ${reasons[reason] ?? 'the engine could not be loaded'}. ${howToGetABundle}`, { reason });
}
