/*
 * The steps of a Lambda invocation (a webhook delivery inline, a worker in queued mode): stalls,
 * kills at the deadline, zombies and crashes. Slot `me` uses busy/dleft/zombie/paused of world.pml.
 * ON_ZOMBIE runs when the invocation resumes past its deadline (queued mode: the event source has
 * already counted it as timed out and hands its trigger to another invocation).
 */
#ifndef ON_ZOMBIE
#define ON_ZOMBIE
#endif

#define ALIVE (dleft[me] >= 0 || zombie[me])

/*
 * One request or call. Before it the delivery may stall while time passes; a stall past the
 * deadline ends in the Lambda being killed, or (ZOMBIES) in a zombie that carries on. A crash may
 * come before any step: nothing of this delivery runs after it and nothing is cleaned up.
 */
#define STEP(op) \
  if \
  :: atomic { FAULT(F_PAUSE) -> faults--; paused[me] = true; printf("MODEL d%d: stalls\n", me) }; \
     atomic { paused[me] = false; printf("MODEL d%d: resumes\n", me) } \
  :: skip \
  fi; \
  READ_STEP(op)

/* A step with no stall before it (a read in the in-flight wait: a stall there is a longer wait). */
#define READ_STEP(op) \
  if \
  :: atomic { ALIVE -> waiting[me] = false; op } \
  :: atomic { !ALIVE && zombies > 0 -> zombies--; zombie[me] = true ON_ZOMBIE; \
              printf("MODEL d%d: zombie: resumes past its deadline\n", me) }; \
     atomic { waiting[me] = false; op } \
  :: atomic { !ALIVE -> printf("MODEL d%d: killed at its deadline\n", me); goto killed } \
  :: atomic { FAULT(F_CRASH) -> faults--; printf("MODEL d%d: crashes\n", me); goto killed } \
  fi
