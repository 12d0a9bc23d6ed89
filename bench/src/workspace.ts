/**
 * What resolving the facts costs (issue 12: "resolving facts for a command must
 * not make command handling slower than half of what it is without them"): the
 * same commands, on the same database in the same run, through
 * - the command router with a vouched actor (the caller sends the roles: what
 *   the library did before the Workspace), and
 * - the Workspace: the signed-in account's id and the intent; the account's
 *   state and roles read from the Authorization read model before deciding.
 * and, for the share of decoding, the router's typed path with the same vouched
 * actor (commands built outside the timing). All go through the projection runtime with the Authorization projection
 * inline, so both pay for keeping the facts; the difference is reading them.
 *
 * The commands: a school administrator (his right granted in the log) blocks
 * and unblocks pupils of a school of `accounts` accounts, each command
 * recording one event; the variants take turns by chunks.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import type * as EventStore from "@cartable/eventlog/EventStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import type * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { type Figure, figure, time } from "./harness.ts"

/** The sizes of this workload. */
export interface WorkspaceSizes {
  /** Pupils of the school (accounts in the Authorization read model). */
  readonly accounts: number
  /** Commands of each variant per round. */
  readonly commands: number
  /** Commands per turn when the variants take turns. */
  readonly chunk: number
}

const school = "0571994H"
const administrator = "adm-0571994H-1"
const vendor = "vendor-1"
const pupil = (i: number) => `eleve-${i}-${(i * 7919) % 10007}`
const base = Date.UTC(2026, 8, 1, 7)
const at = (i: number) => DateTime.unsafeMake(base + i * 1000)

const provision = (accountId: string, profile: string, login: string, i: number) => ({
  _tag: "ProvisionAccount",
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
  structureId: school,
  login,
  firstName: ["Camille", "Léa", "Hugo", "Inès"][i % 4],
  lastName: ["Martin", "Bernard", "Dubois", "Lefèvre"][i % 4],
  activationCode: "3n6g8fmj",
})

/** The school, its pupils, the vendor appointed by the install, the administrator granted by the vendor. */
const setup = (accounts: number) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const feed = workspace.system("aaf-import")
    const context = { occurredAt: at(0) }
    yield* feed.handle(
      {
        _tag: "RegisterStructure",
        structureId: school,
        uai: school,
        name: "Collège Jean Moulin",
        kind: "SecondarySchool",
        districtId: "circo-metz-1",
        departmentId: "dsden-57",
        academyId: "ac-nancy-metz",
      },
      context,
    )
    yield* feed.handle(provision(vendor, "Personnel", "vendeur.ent", 0), context)
    yield* feed.handle(provision(administrator, "Personnel", "admin.college", 1), context)
    for (let i = 0; i < accounts; i++) {
      yield* feed.handle(provision(pupil(i), "Student", `eleve.numero${i}`, i), context)
    }
    yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: vendor }, context)
    yield* workspace.handle(
      vendor,
      { _tag: "GrantAdministratorRight", accountId: administrator, structureId: school },
      context,
    )
  }).pipe(Effect.orDie)

/** The caller's vouched actor, as the router took it before the Workspace. */
const vouched = {
  accountId: administrator,
  roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
}

/**
 * Runs both variants on the storage `open` builds (a fresh database per round),
 * and returns their figures, the Workspace's ratio to the router's.
 */
export const run = async (
  open: (round: number) => Promise<{
    readonly layer: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, unknown>
    readonly close: () => Promise<void>
  }>,
  sizes: WorkspaceSizes,
  repeat: number,
): Promise<ReadonlyArray<Figure>> => {
  const router: Array<number> = []
  const typed: Array<number> = []
  const workspace: Array<number> = []
  for (let round = 0; round < repeat; round++) {
    const { layer, close } = await open(round)
    const live = Workspace.layer.pipe(
      Layer.provideMerge(Authorization.layer),
      Layer.provideMerge(ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection] })),
      Layer.provideMerge(layer),
    )
    const runtime = ManagedRuntime.make(live)
    try {
      await runtime.runPromise(setup(sizes.accounts))
      const service = await runtime.runPromise(Workspace.Workspace)
      const commands = await runtime.runPromise(CommandRouter.make(Domain.aggregates))
      // Each command toggles one pupil: blocked by one, unblocked by the next, so every command records an event.
      const blocked = new Set<number>()
      let n = 0
      const next = () => {
        const i = n % sizes.accounts
        const tag = blocked.has(i) ? "UnblockAccount" : "BlockAccount"
        if (tag === "BlockAccount") blocked.add(i)
        else blocked.delete(i)
        n++
        return { tag, accountId: pupil(i), context: { occurredAt: at(n), correlationId: `request-${n}` } }
      }
      const decodeCommand = Schema.decodeUnknownSync(Domain.Command)
      let routerSeconds = 0
      let typedSeconds = 0
      let workspaceSeconds = 0
      for (let done = 0; done < sizes.commands; done += sizes.chunk) {
        const size = Math.min(sizes.chunk, sizes.commands - done)
        const viaRouter = Array.from({ length: size }, next)
        // The typed commands are built outside the timing: what an application that built them pays.
        const viaTyped = Array.from({ length: size }, next).map((command) => ({
          command: decodeCommand({ _tag: command.tag, actor: vouched, accountId: command.accountId }),
          context: command.context,
        }))
        const viaWorkspace = Array.from({ length: size }, next)
        routerSeconds += await time(() =>
          runtime.runPromise(
            Effect.forEach(
              viaRouter,
              ({ tag, accountId, context }) => commands.handle({ _tag: tag, actor: vouched, accountId }, context),
              { discard: true },
            ),
          ),
        )
        typedSeconds += await time(() =>
          runtime.runPromise(
            Effect.forEach(viaTyped, ({ command, context }) => commands.handleTyped(command, context), {
              discard: true,
            }),
          ),
        )
        workspaceSeconds += await time(() =>
          runtime.runPromise(
            Effect.forEach(
              viaWorkspace,
              ({ tag, accountId, context }) => service.handle(administrator, { _tag: tag, accountId }, context),
              { discard: true },
            ),
          ),
        )
      }
      router.push(routerSeconds)
      typed.push(typedSeconds)
      workspace.push(workspaceSeconds)
    } finally {
      await runtime.dispose()
      await close()
    }
  }
  const workload = `block/unblock a pupil among ${sizes.accounts.toLocaleString("en")}`
  const baseline = "CommandRouter.handle, vouched actor"
  return [
    figure(workload, baseline, sizes.commands, "commands", router),
    figure(
      workload,
      "CommandRouter.handleTyped, vouched actor, no decoding",
      sizes.commands,
      "commands",
      typed,
      baseline,
    ),
    figure(workload, "Workspace.handle, facts from the log", sizes.commands, "commands", workspace, baseline),
  ]
}
