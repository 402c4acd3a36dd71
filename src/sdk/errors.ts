import type { ErrorCode, TapiMessengerError } from './api.js';

export function tapiError(code: ErrorCode, message: string): TapiMessengerError {
  return Object.assign(new Error(`${code}: ${message}`), { name: 'TapiMessengerError', code });
}

/** An error MESSAGE of `/user/queue/errors` (`{"code","message"}`). */
export function errorFromBody(body: string): TapiMessengerError {
  try {
    const value = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof value.code === 'string') {
      return tapiError(value.code, typeof value.message === 'string' ? value.message : '');
    }
  } catch {
    // fall through
  }
  return tapiError('BAD_REPLY', `the agent sent an error the client cannot read: ${body}`);
}

/** A STOMP ERROR frame's `message` header, e.g. `FLOOD: more than 50 frames per second`. */
export function errorFromStompMessage(message: string | undefined): TapiMessengerError {
  const text = message ?? 'the agent closed the connection with an error';
  const code = /^([A-Z][A-Z_]+):/.exec(text)?.[1];
  return tapiError(code ?? 'STOMP_ERROR', text);
}
