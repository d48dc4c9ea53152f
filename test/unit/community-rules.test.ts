/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: this rule guards the shipped node code */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import * as ts from 'typescript';

import { FastRouterVideo } from '../../nodes/FastRouterVideo/FastRouterVideo.node';
import { NODE_DIR, parseSources, ROOT } from '../helpers/sources';

/**
 * Rules of n8n's community-node lint newer than the plugin `n8n-node lint` runs here
 * (@n8n/eslint-plugin-community-nodes 0.32.0): each rule as n8n's source states it
 * (packages/@n8n/eslint-plugin-community-nodes/src/rules/), checked on this package. Most of those
 * rules only read what is written literally inside the `.node.ts` class; this package builds its
 * description in descriptions/ and from the catalog, so the checks below read those files, or the
 * description n8n receives, where the rule would see nothing.
 */

const description: INodeTypeDescription = new FastRouterVideo().description;
const parsed = [...parseSources().values()];

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
	visit(node);
	node.forEachChild((child) => walk(child, visit));
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
	for (const entry of object.properties) {
		if (
			ts.isPropertyAssignment(entry) &&
			(ts.isIdentifier(entry.name) || ts.isStringLiteral(entry.name)) &&
			entry.name.text === name
		) {
			return entry.initializer;
		}
	}
	return undefined;
}

function stringValue(expression: ts.Expression | undefined): string | undefined {
	return expression &&
		(ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
		? expression.text
		: undefined;
}

function where(node: ts.Node): string {
	const source = node.getSourceFile();
	return `${path.relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

describe('the codex (FastRouterVideo.node.json)', () => {
	const codex = JSON.parse(
		fs.readFileSync(path.join(NODE_DIR, 'FastRouterVideo.node.json'), 'utf8'),
	) as {
		categories?: string[];
		subcategories?: unknown;
		alias?: string[];
		resources?: { primaryDocumentation?: unknown; credentialDocumentation?: unknown };
	};

	it('uses only categories of n8n’s community list, without "AI" (valid-node-categories, valid-codex-categories, no-ai-codex-category, no-logic-or-flow-nodes)', () => {
		// CODEX_NODE_CATEGORIES of n8n's @n8n/constants, the list valid-node-categories checks; "AI" is
		// reserved for nodes built on @n8n/ai-node-sdk (no-ai-codex-category), and "Marketing" is
		// refused by name: the category is "Marketing & Content".
		const communityCategories = [
			'Data & Storage',
			'Finance & Accounting',
			'Marketing & Content',
			'Productivity',
			'Miscellaneous',
			'Sales',
			'Development',
			'Analytics',
			'Communication',
			'Utility',
		];
		expect(codex.categories?.length).toBeGreaterThan(0);
		for (const category of codex.categories ?? []) expect(communityCategories).toContain(category);
	});

	it('declares no subcategories (no-codex-subcategories)', () => {
		expect(codex).not.toHaveProperty('subcategories');
	});

	it('stays in the node panel’s search, and is found by its aliases', () => {
		// n8n's editor (filterOutAiNodes, editor-ui 2.41) drops from the main search a node in the
		// "AI" category whose AI subcategories lack "Root Nodes"; any other node stays.
		const categories = codex.categories ?? [];
		const subcategories = (codex.subcategories ?? {}) as Record<string, string[]>;
		const keptInSearch =
			!categories.includes('AI') || (subcategories.AI ?? []).includes('Root Nodes');
		expect(keptInSearch).toBe(true);
		// What test/real-n8n/editor.test.js searches for, besides the node's name.
		expect(codex.alias).toEqual(expect.arrayContaining(['sora', 'seedance', 'text to video']));
		// n8n-core reads the codex with `resources: { primaryDocumentation, credentialDocumentation }`
		// destructured: without `resources` it drops the whole codex, aliases included.
		expect(codex.resources).toEqual(
			expect.objectContaining({ primaryDocumentation: expect.any(Array) }),
		);
	});
});

describe('option lists (options-sorted-alphabetically)', () => {
	/**
	 * The lists the rule checks: a `type: 'options'` parameter whose options are written out, each
	 * with a literal name. Lists built from the catalog (models, each field's values, cheapest
	 * first) are not such lists, to the rule or here.
	 */
	const literalLists = parsed.flatMap((source) => {
		const found: Array<{ node: ts.Node; displayName: string; names: string[] }> = [];
		walk(source, (node) => {
			if (!ts.isObjectLiteralExpression(node) || stringValue(property(node, 'type')) !== 'options')
				return;
			const options = property(node, 'options');
			if (!options || !ts.isArrayLiteralExpression(options)) return;
			const names = options.elements.map((element) =>
				ts.isObjectLiteralExpression(element) ? stringValue(property(element, 'name')) : undefined,
			);
			if (names.some((name) => name === undefined)) return;
			found.push({
				node,
				displayName: stringValue(property(node, 'displayName')) ?? '?',
				names: names as string[],
			});
		});
		return found;
	});

	it('finds the lists written out in descriptions/', () => {
		expect(literalLists.map((list) => list.displayName)).toEqual(
			expect.arrayContaining(['Operation', 'Image Source']),
		);
	});

	it('lists each of them alphabetically, as the rule compares (case-insensitive, locale-aware)', () => {
		const unsorted = literalLists
			.filter(({ names }) =>
				names.some(
					(name, index) =>
						name !==
						[...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }))[
							index
						],
				),
			)
			.map(({ node, displayName, names }) => `${where(node)} ${displayName}: ${names.join(', ')}`);
		expect(unsorted).toEqual([]);
	});
});

describe('node errors (node-operation-error-itemindex)', () => {
	/** Errors about the whole run, not one item: naming an item would send the user to the wrong row. */
	const RUN_LEVEL = new Set(['nodes/FastRouterVideo/errors/nodeErrors.ts cancelled']);

	it('every NodeOperationError and NodeApiError names the item it is about', () => {
		const missing: string[] = [];
		for (const source of parsed) {
			walk(source, (node) => {
				if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression)) return;
				if (
					node.expression.text !== 'NodeOperationError' &&
					node.expression.text !== 'NodeApiError'
				)
					return;
				const options = node.arguments?.[2];
				if (
					options &&
					ts.isObjectLiteralExpression(options) &&
					property(options, 'itemIndex') !== undefined
				)
					return;
				if (
					options &&
					ts.isObjectLiteralExpression(options) &&
					options.properties.some(
						(entry) => ts.isShorthandPropertyAssignment(entry) && entry.name.text === 'itemIndex',
					)
				)
					return;
				let fn: ts.Node | undefined = node.parent;
				while (fn && !ts.isFunctionDeclaration(fn)) fn = fn.parent;
				const site =
					`${path.relative(ROOT, source.fileName)} ${fn && ts.isFunctionDeclaration(fn) ? fn.name?.text : ''}`.trim();
				if (!RUN_LEVEL.has(site)) missing.push(`${where(node)} (${site})`);
			});
		}
		expect(missing).toEqual([]);
	});
});

describe('the description n8n receives (hint-max-length, require-param-default, no-duplicate-param-options, no-asterisk-in-option-names)', () => {
	/** Every parameter, the ones nested in a collection included. */
	function everyParameter(properties: INodeProperties[]): INodeProperties[] {
		return properties.flatMap((parameter) => {
			const nested =
				parameter.type === 'collection' ? (parameter.options as INodeProperties[]) : [];
			const fixed =
				parameter.type === 'fixedCollection'
					? (parameter.options as INodePropertyCollection[]).flatMap((group) => group.values)
					: [];
			return [parameter, ...everyParameter([...nested, ...fixed])];
		});
	}
	const parameters = everyParameter(description.properties);

	it('keeps every hint to 120 characters', () => {
		expect(
			parameters
				.filter((parameter) => (parameter.hint ?? '').length > 120)
				.map((parameter) => parameter.name),
		).toEqual([]);
	});

	it('gives every parameter a default', () => {
		expect(
			parameters
				.filter((parameter) => parameter.default === undefined)
				.map((parameter) => parameter.name),
		).toEqual([]);
	});

	it('gives each option of a list its own name and value, without an asterisk', () => {
		for (const parameter of parameters) {
			if (parameter.type !== 'options' && parameter.type !== 'multiOptions') continue;
			const options = (parameter.options ?? []) as INodePropertyOptions[];
			expect(new Set(options.map((option) => option.name)).size).toBe(options.length);
			expect(new Set(options.map((option) => option.value)).size).toBe(options.length);
			expect(options.filter((option) => option.name.includes('*'))).toEqual([]);
		}
	});
});
