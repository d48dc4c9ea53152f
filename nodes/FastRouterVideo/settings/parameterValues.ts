/**
 * Parameter values the editor offers and the run reads back: workflows store them, so they never
 * change.
 */

export const WAIT_MODES = ['auto', 'inProcess', 'durable'] as const;
export type WaitMode = (typeof WAIT_MODES)[number];
export const DEFAULT_WAIT_MODE: WaitMode = 'auto';

export const ON_TIMEOUT_CHOICES = ['error', 'output'] as const;
export type OnTimeout = (typeof ON_TIMEOUT_CHOICES)[number];
export const DEFAULT_ON_TIMEOUT: OnTimeout = 'error';

/** Image Source: a public link (Image URL), or an image in the item's binary data n8n signs a link to. */
export const IMAGE_SOURCE_URL = 'url';
export const IMAGE_SOURCE_BINARY = 'binary';

/** The model list's "Other (Enter ID)": the id is then in Custom Model. */
export const CUSTOM_MODEL = 'custom';
