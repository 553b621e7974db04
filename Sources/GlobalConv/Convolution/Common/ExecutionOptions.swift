/// How much work FFTW's planner may spend finding a fast plan (FFTW's planner flags).
public enum PlanningEffort: String, Sendable, CaseIterable, Codable, Comparable {
    /// `FFTW_ESTIMATE`: no measurement, instant.
    case estimate
    /// `FFTW_MEASURE`: times a few candidate algorithms (milliseconds to seconds per size).
    case measure
    /// `FFTW_PATIENT`: times many more; for long-running servers with wisdom saved.
    case patient

    private var rank: Int { self == .estimate ? 0 : self == .measure ? 1 : 2 }
    public static func < (a: PlanningEffort, b: PlanningEffort) -> Bool { a.rank < b.rank }
}

/// Execution settings shared by every convolution call.
public struct ExecutionOptions: Sendable, Hashable {
    /// Worker threads for one call (parallel over batch × channel planes); ≥ 1.
    public var threads: Int
    /// FFTW planning effort for plans this call creates (cached plans are reused as they are).
    public var effort: PlanningEffort
    /// The most a call may allocate (output, workspaces, kernel spectra); checked before allocating.
    public var memoryBudget: MemoryBudget

    /// - Precondition: `threads ≥ 1` — a programmer error. A thread count from a user's configuration
    ///   or command line goes through ``init(validatingThreads:effort:memoryBudget:)``, which throws.
    public init(threads: Int = ExecutionOptions.defaultThreads, effort: PlanningEffort = .estimate,
                memoryBudget: MemoryBudget = .default) {
        precondition(threads >= 1, "ExecutionOptions: threads must be ≥ 1, got \(threads)")
        self.threads = threads
        self.effort = effort
        self.memoryBudget = memoryBudget
    }

    /// Options with a thread count from a user's configuration or command line.
    /// - Throws: ``ConvolutionError/invalidArgument(_:)`` when `threads < 1`
    ///   (`"threads must be ≥ 1, got 0"`), where ``init(threads:effort:memoryBudget:)`` traps.
    public init(validatingThreads threads: Int, effort: PlanningEffort = .estimate,
                memoryBudget: MemoryBudget = .default) throws(ConvolutionError) {
        guard threads >= 1 else { throw .invalidArgument("threads must be ≥ 1, got \(threads)") }
        self.init(threads: threads, effort: effort, memoryBudget: memoryBudget)
    }

    /// The CPUs this process may run on (its affinity mask), the parallel runtime's size.
    public static var defaultThreads: Int { ParallelRuntime.maximumParticipants }

    /// `threads` = machine default, `estimate` planning.
    public static var `default`: ExecutionOptions { ExecutionOptions() }
}
