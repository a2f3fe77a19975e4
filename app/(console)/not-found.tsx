import { EmptyState, TextLink } from "./_components/ui";

export default function NotFound() {
  return (
    <EmptyState title="Not found">
      Nothing here by that name. <TextLink href="/">Back to the overview</TextLink>
    </EmptyState>
  );
}
