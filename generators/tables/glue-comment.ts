/** Glue's limit for column and table comments (DESIGN.md): one line, no control characters, 255 characters. */
export const GLUE_COMMENT_MAX = 255;

/**
 * A description made fit for a Glue comment: whitespace runs (newlines included) become one space,
 * control characters go, and long text is cut at 255 UTF-16 units with an ellipsis, never inside a
 * surrogate pair. The full description stays in the catalog.
 */
export function glueComment(text: string): string {
  const oneLine = text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (oneLine.length <= GLUE_COMMENT_MAX) return oneLine;
  let cut = GLUE_COMMENT_MAX - 1;
  const code = oneLine.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${oneLine.slice(0, cut).trimEnd()}…`;
}
