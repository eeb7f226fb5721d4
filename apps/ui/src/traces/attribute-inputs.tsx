/**
 * The search's `key=value` attribute filters: one input per filter, and always at least one (empty)
 * to type into; "+ attribute" adds another.
 */
export function AttributeInputs(props: { attrs: string[]; onChange: (attrs: string[]) => void }) {
  const attrs = props.attrs.length > 0 ? props.attrs : [''];
  return (
    <fieldset class="attr-inputs">
      <legend>Attributes</legend>
      {attrs.map((attr, i) => (
        <input
          key={i}
          placeholder="key=value, e.g. service.version=1.4.2"
          value={attr}
          onInput={(e) => {
            const next = [...attrs];
            next[i] = e.currentTarget.value;
            props.onChange(next);
          }}
        />
      ))}
      <button type="button" class="link-button" onClick={() => props.onChange([...attrs, ''])}>
        + attribute
      </button>
    </fieldset>
  );
}
