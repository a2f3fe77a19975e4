/** Database error classification; it lives in server/platform/unavailable.ts so the HTTP error table can use it. */
export { isDatabaseUnavailable, networkErrorCode } from "@/server/platform/unavailable";
