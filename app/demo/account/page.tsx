// The signed-up shopper's dashboard: the buttons onboarding tooltips point at, and the placements.
"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { Placement } from "../placement";
import { getPathwise, withPathwise } from "../pathwise";
import { PLACEMENTS } from "@/lib/demo/flows";

export default function AccountPage() {
  const [user, setUser] = useState<string | null | undefined>(undefined);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    void getPathwise().then((s) => setUser(s.ready ? s.pathwise.user().userId : null));
  }, []);
  const act = (event: string, text: string) => {
    void withPathwise((pw) => pw.track(event)).then(() => setNote(text));
  };
  const btn = "rounded-md border border-gray-300 px-3 py-2 hover:bg-gray-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500";

  if (user === undefined) return <p className="text-gray-600">Loading your account…</p>;
  if (user === null)
    return (
      <p>
        You are not signed up yet. <Link href="/demo/signup" className="text-brand-700 underline">Create an account</Link>
      </p>
    );
  return (
    <>
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">Your account</h1>
        <Placement name={PLACEMENTS.badge} label="Badges" className="inline-block" />
      </div>
      <Placement name={PLACEMENTS.onboarding} label="Onboarding" className="mt-4" />
      <div className="mt-6 flex flex-wrap gap-3">
        <button id="invite-team" type="button" className={btn} onClick={() => act("Team Invited", "Invitations sent.")}>
          Invite your team
        </button>
        <button id="reports-link" type="button" className={btn} onClick={() => act("Report Created", "Your first report is ready.")}>
          Reports
        </button>
        <button id="projects-link" type="button" className={btn} onClick={() => act("Projects Opened", "Here are your projects.")}>
          Projects
        </button>
        <button type="button" className={btn} onClick={() => act("Onboarding Completed", "Onboarding complete. Welcome aboard!")}>
          Finish onboarding
        </button>
      </div>
      {note && (
        <p role="status" className="mt-3 text-sm text-green-700">
          {note}
        </p>
      )}
      <Placement name={PLACEMENTS.checklist} label="Setup checklist" className="mt-6 max-w-md" />
    </>
  );
}
