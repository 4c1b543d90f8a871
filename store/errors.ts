/** A write named a question or trajectory the store does not have. */
export class UnknownRecordError extends Error {
  readonly userFacing = true;
}

/** store.url cannot be used as written. Messages name the scheme or host only: a URL may carry a password. */
export class StoreUrlError extends Error {
  readonly userFacing = true;
}

/** The store's server could not be reached or refused the connection. */
export class StoreConnectError extends Error {
  readonly userFacing = true;
}
