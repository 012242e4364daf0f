package lme.domino;

import java.io.IOException;

/**
 * Called by the bridge between every two steps of the protocol, with the
 * step's name, and by {@link Spool} before every chunk it writes.  In
 * production it does nothing; the tests crash there (an Error the bridge
 * does not catch) or fail the write (an IOException: a full disk).
 */
public interface Hook {
	void step(String name) throws IOException;

	Hook NONE = new Hook() {
		@Override
		public void step(String name) {
		}
	};
}
