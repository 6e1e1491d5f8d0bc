import { data } from "react-router";
import { RouteErrorBoundary } from "../components/route-error";

export function loader() {
  throw data(null, { status: 404 });
}

export const ErrorBoundary = RouteErrorBoundary;

export default function NotFound() {
  return null;
}
