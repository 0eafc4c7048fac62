import YAML from 'yaml';

/**
 * A number written exactly as a contract wrote it (`-10000000.50`, `9223372036854775807`): YAML keeps the
 * digits; a JavaScript number would round them.
 */
export class NumberText {
  constructor(readonly text: string) {
    if (!/^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) throw new Error(`not a plain number: ${JSON.stringify(text)}`);
  }
}

const numberTextTag = {
  identify: (value: unknown) => value instanceof NumberText,
  tag: 'tag:yaml.org,2002:float',
  default: true,
  resolve: (text: string) => new NumberText(text),
  stringify: (item: { value: unknown }) => (item.value as NumberText).text,
};

/** The one YAML writer of the ODCS export and the ODCS import (quoting by the yaml library). */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { customTags: [numberTextTag], lineWidth: 0, aliasDuplicateObjects: false });
}
