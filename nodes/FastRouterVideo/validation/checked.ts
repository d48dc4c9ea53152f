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

/**
 * Several checks of one object's fields, as that object: every field's value, or every problem
 * found, in the order of the fields.
 */
export function checkedFields<T extends object>(checks: {
	[K in keyof T]: Checked<T[K]>;
}): Checked<T> {
	const entries = Object.entries(checks) as Array<[string, Checked<unknown>]>;
	const problems = entries.flatMap(([, check]) => (check.ok ? [] : check.problems));
	if (problems.length) return refused(...problems);
	// Every check passed: each field holds the value its check gave.
	return accepted(
		Object.fromEntries(
			entries.map(([name, check]) => [name, check.ok ? check.value : undefined]),
		) as T,
	);
}
