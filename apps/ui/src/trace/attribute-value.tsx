import type { AttributeValue as Value } from '@faultline/model';
import { safeHttpUrl } from '../format/safe-url.js';
import { attributeText } from './attribute-groups.js';

/** An attribute value as text; an http(s) URL becomes a link, any other scheme stays inert text. */
export function AttributeValue(props: { value: Value }) {
  const text = attributeText(props.value);
  const url = typeof props.value === 'string' ? safeHttpUrl(props.value) : undefined;
  if (url) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer">
        {text}
      </a>
    );
  }
  return <span class={typeof props.value === 'string' ? 'value-string' : 'value-other'}>{text}</span>;
}
