// The demo's tutorial service: a stand-in for a customer's own content API that the onboarding flow
// calls through a fetch node (GET /demo/tutorials?role=&level=). One tutorial per role and experience
// level; an unknown role reads as "member", an unknown level as "beginner".
import { ROLES, type Role } from "./flows";

export const LEVELS = ["beginner", "intermediate", "expert"] as const;
export type Level = (typeof LEVELS)[number];

export type Tutorial = { id: string; role: Role; level: Level; title: string; url: string; minutes: number };

const T = (role: Role, level: Level, title: string, minutes: number): Tutorial => ({ id: `${role}-${level}`, role, level, title, url: `/demo/account?tutorial=${role}-${level}`, minutes });

export const TUTORIALS: readonly Tutorial[] = [
  T("admin", "beginner", "Set up your workspace in five steps", 5),
  T("admin", "intermediate", "Roles and permissions for growing teams", 8),
  T("admin", "expert", "Automate provisioning with the admin API", 12),
  T("manager", "beginner", "Your first team dashboard", 4),
  T("manager", "intermediate", "Weekly reports that run themselves", 7),
  T("manager", "expert", "Forecasting with custom metrics", 10),
  T("member", "beginner", "A tour of your projects", 3),
  T("member", "intermediate", "Keyboard shortcuts that save an hour a week", 5),
  T("member", "expert", "Power filters and saved views", 6),
];

export function pickTutorial(role: string | null, level: string | null): Tutorial {
  const r: Role = (ROLES as readonly string[]).includes(role ?? "") ? (role as Role) : "member";
  const l: Level = (LEVELS as readonly string[]).includes(level ?? "") ? (level as Level) : "beginner";
  return TUTORIALS.find((t) => t.role === r && t.level === l)!;
}
