// The console's frame: only for signed-in accounts; navigation on top, query cache for the pages.
import { requireAccount } from "@/lib/auth/current";
import { AccountProvider } from "@/components/account-context";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const account = await requireAccount();
  return (
    <AccountProvider account={{ email: account.email, name: account.name, role: account.role }}>
      <Providers>
        <div className="flex min-h-screen flex-col">
          <Nav />
          <main className="flex-1">{children}</main>
        </div>
      </Providers>
    </AccountProvider>
  );
}
