/** Placeholder: the generated list view (helper fills this in). */
export function ListView(props: { recordType?: string; queue?: string }) {
  return <h1>{props.recordType ?? props.queue}</h1>;
}
