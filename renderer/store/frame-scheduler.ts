/** Calls back once, soon (at the next animation frame in the app); returns the function that cancels it. */
export interface FrameScheduler {
  request(callback: () => void): () => void;
}

/** requestAnimationFrame, with a timer as well so a hidden window (no frames) still drains its queue. */
export const animationFrameScheduler: FrameScheduler = {
  request(callback) {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      callback();
    };
    const frame = requestAnimationFrame(run);
    const timer = setTimeout(run, 250);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  },
};
