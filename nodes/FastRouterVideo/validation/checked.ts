/**
 * A value that passed its checks, or every problem found, each naming the field or option, the
 * value given and what is allowed — the one shape every check of an item returns.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export function accepted<T>(value: T): Checked<T> {
	return { ok: true, value };
}

export function refused(...problems: string[]): { ok: false; problems: string[] } {
	return { ok: false, problems };
}
