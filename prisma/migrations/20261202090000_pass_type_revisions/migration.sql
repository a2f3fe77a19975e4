-- Pass type revisions (server/passes/revisions.ts): every saved change of a pass type's definition
-- is a new revision, and publishing one copies it to the PassType, whose columns build the passes.

ALTER TABLE "PassType" ADD COLUMN "publishedRevision" INTEGER;

CREATE TABLE "PassTypeRevision" (
    "id" TEXT NOT NULL,
    "passTypeId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '[]',
    "actor" TEXT NOT NULL,
    "message" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "PassTypeRevision_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PassTypeRevision_passTypeId_number_key" ON "PassTypeRevision"("passTypeId", "number");
ALTER TABLE "PassTypeRevision" ADD CONSTRAINT "PassTypeRevision_passTypeId_fkey" FOREIGN KEY ("passTypeId") REFERENCES "PassType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every existing pass type (the starters and anything made since) gets revision 1: its definition
-- as its columns hold it (definitionOf: the template's keys, then style, images and fields),
-- published when the row was last changed.
INSERT INTO "PassTypeRevision" ("id", "passTypeId", "number", "definition", "changes", "actor", "message", "createdAt", "publishedAt")
SELECT 'rev1_' || pt."id", pt."id", 1,
       pt."template" || jsonb_build_object('style', pt."style"::text, 'images', pt."images", 'fields', pt."fields"),
       '["definition"]'::jsonb, 'migration', 'the definition before revisions', pt."updatedAt", pt."updatedAt"
  FROM "PassType" pt;
UPDATE "PassType" SET "publishedRevision" = 1;
