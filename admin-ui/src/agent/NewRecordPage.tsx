export function NewRecordPage(props: { recordType: string }) {
  return <h1>{props.recordType}</h1>;
}
