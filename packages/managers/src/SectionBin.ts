/**
 * The process manager of the sections' bin (BR-RUB-2, seed 004 "Il existe une
 * corbeille pour les dossiers supprimés (90 jours avant la suppression
 * définitive)"): a shared folder deleted into the bin and not restored goes for
 * good at the first clock tick at or after its deletion's instant plus 90 days.
 * Its read model keeps each binned folder with its due instant (inline: run it
 * in every process that appends); its reactor, on each tick, purges the due ones
 * as `section-bin`, once per deletion.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import type { FolderId, SectionId } from "@cartable/domain/SectionEvents"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import type * as Reactor from "@cartable/projections/Reactor"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelStore } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { dueIndex, dueReactor } from "./internal/due.ts"

/**
 * How long a deleted folder stays in the bin: 90 days (BR-RUB-2), to the
 * millisecond of its deletion.
 *
 * @since 0.1.0
 */
export const binDelay: Duration.Duration = Duration.days(90)

/**
 * A folder in the bin as the read model keeps it: since when, due when, and the
 * position of its deletion.
 *
 * @since 0.1.0
 */
export const BinnedFolder = Schema.Struct({
  sectionId: Schema.String,
  folderId: Schema.String,
  since: Schema.DateTimeUtc,
  due: Schema.DateTimeUtc,
  position: Schema.Number,
})
/** @since 0.1.0 */
export type BinnedFolder = typeof BinnedFolder.Type

const keyOf = (sectionId: string, folderId: string): string => JSON.stringify([sectionId, folderId])

/**
 * The binned folders, by section and folder, indexed by due instant (ISO 8601 in
 * UTC has one width, so its code-point order is time order).
 *
 * @since 0.1.0
 */
export const Binned = ReadModel.collection("binned", {
  document: BinnedFolder,
  key: (folder) => keyOf(folder.sectionId, folder.folderId),
  indexes: { due: (folder) => dueIndex(folder.due) },
})

/**
 * The bin's read model: a folder enters at its deletion, leaves when restored or purged.
 *
 * @since 0.1.0
 */
export const projection = Projection.make({
  name: "section_bin",
  version: 1,
  events: Domain.events,
  collections: { binned: Binned },
  handlers: {
    FolderBinned: (event, into, recorded) =>
      into.binned.put({
        sectionId: event.sectionId,
        folderId: event.folderId,
        since: recorded.metadata.occurredAt,
        due: DateTime.addDuration(recorded.metadata.occurredAt, binDelay),
        position: recorded.position,
      }),
    FolderRestored: (event, into) => into.binned.remove(keyOf(event.sectionId, event.folderId)),
    FolderPurged: (event, into) => into.binned.remove(keyOf(event.sectionId, event.folderId)),
  },
})

/**
 * The causation id of the purge of a folder binned by the event at `position`: once per deletion.
 *
 * @since 0.1.0
 */
export const causationIdOf = (folder: BinnedFolder): string =>
  `section-bin:${folder.sectionId}:${folder.folderId}:${folder.position}`

/**
 * The reactor: on each tick, purges every folder due by the tick's instant.
 *
 * @since 0.1.0
 */
export const reactor: Reactor.Reactor<Authorization | ReadModelStore> = dueReactor({
  name: "section_bin",
  reader: ProjectionRuntime.reader(projection, "binned"),
  index: "due",
  dueOf: (folder) => folder.due,
  process: "section-bin",
  command: (folder) => ({
    intent: { _tag: "PurgeFolder", sectionId: folder.sectionId as SectionId, folderId: folder.folderId as FolderId },
    causationId: causationIdOf(folder),
  }),
  // A folder restored meanwhile gives nothing to purge; a refusal (its section unknown) is logged and skipped.
  skip: "SectionRejected",
  skipped: (folder) => `purge of ${folder.folderId} refused, skipped`,
})
