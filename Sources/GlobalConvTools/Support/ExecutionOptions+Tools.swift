import GlobalConv

extension ExecutionOptions {
    /// Options for a thread count and effort from the command line or a tool's configuration, through
    /// the throwing ``ExecutionOptions/init(validatingThreads:effort:memoryBudget:)``: a bad count is a
    /// ``ToolError/invalidValue(_:)`` naming `--threads`, never a trap.
    static func tool(threads: Int, effort: PlanningEffort = .estimate) throws(ToolError) -> ExecutionOptions {
        do { return try ExecutionOptions(validatingThreads: threads, effort: effort) } catch {
            throw .invalidValue("--threads: \(error.description)")
        }
    }
}
