/**
 * A generated SQL file holds one contract's statements for one target, in the order they run, each headed
 * by comment lines: its name, what it does, and its parameters.
 */
export function sqlFileStatement(title: string, description: string, sql: string, params: readonly string[]): string {
  return `\n${sqlComment(title)}${sqlComment(description)}${params.length ? sqlComment(`Parameters: ${params.join(', ')}.`) : ''}${sql};\n`;
}

/** A `--` comment line, whatever the text holds. */
export function sqlComment(text: string): string {
  return `-- ${text.replace(/[\r\n]+/g, ' ')}\n`;
}
