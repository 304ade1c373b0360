// OpenAI-style HTTP errors: a status plus `{ error: { message, type, param, code } }`.

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly type = status >= 500 ? 'server_error' : 'invalid_request_error') {
    super(message);
    this.name = 'HttpError';
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: null } };
  }
}
