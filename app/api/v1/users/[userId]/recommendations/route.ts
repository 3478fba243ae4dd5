// GET /api/v1/users/:userId/recommendations?strategy=&limit=&category=&item= (docs/api.md §9).
import { route } from "@/lib/http/route";
import { userRecommendations } from "@/lib/catalog/api";

export const GET = route({ name: "users.recommendations", access: "viewer" }, async ({ db, params, url }) => userRecommendations(db.sql, params.userId, url));
