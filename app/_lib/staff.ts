/** The signed-in staff member of this request, looked up once per request. */
import "server-only";
import { cache } from "react";
import { currentStaff } from "@/server/auth/session";

export const getStaff = cache(currentStaff);
