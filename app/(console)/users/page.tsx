// /users: search profiles by userId or email; tabs lead to import, tracking plan and sources.
import type { Metadata } from "next";
import { UsersList } from "@/components/data/users-list";

export const metadata: Metadata = { title: "Users" };

export default function UsersPage() {
  return <UsersList />;
}
