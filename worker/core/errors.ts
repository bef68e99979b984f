/**
 * Errors by type. The ingestion library, the extractors and the stores throw these for input they
 * cannot use; callers recognise them with `instanceof` and answer the client (422, 413, 400) —
 * anything else is a bug or an outage and propagates as one (a 500 the tests can see).
 *
 * Invariant: a plain `Error` (or a TypeError, RangeError…) is never shown to a client as their
 * mistake; an `InputError`'s message always is, so it says what is wrong with the input.
 */

/** Content the library cannot use (an article with no words, a page with no article, a bad file). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A page whose markup cannot be extracted within bounds (the message says which bound and by how much). */
export class MarkupBoundsError extends InputError {}

/** A `kind` a caller gave that is not one we know: the message names the field. */
export class UnknownKindError extends InputError {
  constructor(readonly value: unknown) {
    super(`kind must be "primary" or "report", not ${JSON.stringify(value)}`);
  }
}

/** A draft beyond what one quote check reads (characters or quotations). */
export class DraftTooLargeError extends InputError {}

/** A claims-search `pageToken` that is malformed or belongs to another search. */
export class InvalidPageToken extends InputError {}
