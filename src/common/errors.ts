// Typed domain errors. Services throw these; DomainExceptionFilter maps the code to HTTP.
export enum ErrorCode {
  NotFound = 'NOT_FOUND',
  Validation = 'VALIDATION',
  Conflict = 'CONFLICT',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  Unavailable = 'UNAVAILABLE',
  Upstream = 'UPSTREAM',
  Gone = 'GONE',
}

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Validation]: 400,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Upstream]: 502,
  [ErrorCode.Gone]: 410,
};

export class DomainError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError(ErrorCode.NotFound, `${what} not found`);
export const gone = (message: string) => new DomainError(ErrorCode.Gone, message);
export const invalid = (message: string) => new DomainError(ErrorCode.Validation, message);
