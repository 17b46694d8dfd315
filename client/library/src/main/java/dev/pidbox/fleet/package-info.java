/**
 * Fleet operations over a {@code Mailbox}: the logic behind the {@code pidbox} command-line tool,
 * public so that a console or a user's own tool can reuse it. Nothing here prints; rendering is the caller's.
 *
 * <ul>
 *   <li>{@link Selector}: which nodes, by names, shell glob, regular expression and tags.</li>
 *   <li>{@link Fleet}: resolves a selector (tags take one {@code runtime} gather), prepares a
 *       {@link Gather} whose {@link GatherProgress} can be watched while it
 *       runs, and finds the nodes a rollout goes to.</li>
 *   <li>{@link Rollout}: canary, batches and a failure budget; every node ends with an
 *       {@link Outcome}. The step that sends is pluggable ({@link RolloutStep}),
 *       so a rollout can be tried without a broker.</li>
 *   <li>{@link Groups}: nodes whose answers are equal (at a dot path).</li>
 * </ul>
 *
 * <pre>{@code
 * Fleet fleet = Fleet.of(mailbox);
 * Selector prod = Selector.all().glob("orders.*").where("env", "prod");
 * CallResult runtime = fleet.gather("runtime").select(prod).prepare()
 *         .run((reply, progress) -> System.out.println(progress.replies() + "/" + progress.expected()));
 * }</pre>
 */
package dev.pidbox.fleet;
