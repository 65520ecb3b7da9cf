export function StudioPage(props: { file?: string | undefined }) {
  return <h1>{props.file ?? 'studio'}</h1>;
}
