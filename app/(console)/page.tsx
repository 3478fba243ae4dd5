// Home: until the health dashboard lands, the flows list is the start page.
import { redirect } from "next/navigation";

export default function Home() {
  redirect("/flows");
}
