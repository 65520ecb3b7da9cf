export function RecordPage(props: { id: string }) {
  return <h1>{props.id}</h1>;
}
