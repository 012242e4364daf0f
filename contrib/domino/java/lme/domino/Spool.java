package lme.domino;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The file operations of the protocol, each durable before it returns:
 * a file is written, fsynced and closed before it is renamed, and the
 * directory is fsynced after every rename or removal.  Nothing is
 * acknowledged before it is on disk.
 */
final class Spool {
	static final int CHUNK = 64 * 1024;
	private final Hook hook;

	Spool(Hook hook) {
		this.hook = hook;
	}

	/** mkdir -p with mode 0700 where the file system has modes */
	static void mkdirs(Path dir) throws IOException {
		if (Files.isDirectory(dir))
			return;
		Path parent = dir.getParent();
		if (parent != null)
			mkdirs(parent);
		try {
			Files.createDirectory(dir);
		} catch (FileAlreadyExistsException e) {
			if (!Files.isDirectory(dir))
				throw e;
			return;
		}
		try {
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
		} catch (UnsupportedOperationException e) {
			// Windows: the ACLs of the folder apply
		}
	}

	/** fsync a directory (where the platform can open one) */
	static void syncDir(Path dir) throws IOException {
		FileChannel ch;
		try {
			ch = FileChannel.open(dir, StandardOpenOption.READ);
		} catch (IOException e) {
			return;	// Windows cannot open a directory; NTFS renames are journalled
		}
		try {
			ch.force(true);
		} catch (IOException e) {
			// some file systems refuse fsync on a directory (EINVAL)
		} finally {
			ch.close();
		}
	}

	/** An output stream on a new file whose close() fsyncs; the hook is called before every chunk. */
	OutputStream create(final Path tmp) throws IOException {
		final FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		return new OutputStream() {
			private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
			private boolean closed;

			@Override
			public void write(int b) throws IOException {
				if (!buf.hasRemaining())
					drain();
				buf.put((byte) b);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				while (len > 0) {
					if (!buf.hasRemaining())
						drain();
					int n = Math.min(len, buf.remaining());
					buf.put(b, off, n);
					off += n;
					len -= n;
				}
			}

			private void drain() throws IOException {
				hook.step("write " + tmp.getParent().getParent().getFileName() + "/" + tmp.getParent().getFileName());
				buf.flip();
				while (buf.hasRemaining())
					ch.write(buf);
				buf.clear();
			}

			@Override
			public void close() throws IOException {
				if (closed)
					return;
				closed = true;
				try {
					drain();
					ch.force(true);
				} finally {
					ch.close();
				}
			}
		};
	}

	/** Write data to tmp, fsync, rename to dst, fsync dst's directory; tmp removed on failure. */
	void writeFile(Path tmp, Path dst, byte[] data) throws IOException {
		boolean ok = false;
		try {
			OutputStream out = create(tmp);
			try {
				out.write(data);
			} finally {
				out.close();
			}
			rename(tmp, dst);
			ok = true;
		} finally {
			if (!ok)
				Files.deleteIfExists(tmp);
		}
	}

	void writeFile(Path tmp, Path dst, String text) throws IOException {
		writeFile(tmp, dst, text.getBytes(StandardCharsets.UTF_8));
	}

	/** rename(2), then fsync of the target's directory (and the source's, when another) */
	static void rename(Path from, Path to) throws IOException {
		Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		syncDir(to.getParent());
		if (!from.getParent().equals(to.getParent()))
			syncDir(from.getParent());
	}

	/** unlink, then fsync of the directory; a file already gone is no error */
	static boolean remove(Path f) throws IOException {
		boolean gone = Files.deleteIfExists(f);
		if (gone)
			syncDir(f.getParent());
		return gone;
	}

	/** The names in dir (not starting with '.'), sorted; an absent dir has none. */
	static List<String> list(Path dir) throws IOException {
		List<String> names = new ArrayList<String>();
		if (!Files.isDirectory(dir))
			return names;
		DirectoryStream<Path> ds = Files.newDirectoryStream(dir);
		try {
			for (Path p : ds) {
				String n = p.getFileName().toString();
				if (!n.startsWith(".") && Files.isRegularFile(p))
					names.add(n);
			}
		} finally {
			ds.close();
		}
		Collections.sort(names);
		return names;
	}

	/** At most max bytes from the start of f */
	static byte[] head(Path f, int max) throws IOException {
		InputStream in = Files.newInputStream(f);
		try {
			byte[] b = new byte[max];
			int n = 0, r;
			while (n < max && (r = in.read(b, n, max - n)) > 0)
				n += r;
			byte[] out = new byte[n];
			System.arraycopy(b, 0, out, 0, n);
			return out;
		} finally {
			in.close();
		}
	}

	/** The file ends, but for white space, with the closing tag (lme's files always do). */
	static boolean complete(Path f, String closing) throws IOException {
		FileChannel ch;
		try {
			ch = FileChannel.open(f, StandardOpenOption.READ);
		} catch (NoSuchFileException e) {
			return false;
		}
		try {
			long size = ch.size();
			int n = (int) Math.min(size, 256);
			ByteBuffer b = ByteBuffer.allocate(n);
			ch.position(size - n);
			while (b.hasRemaining() && ch.read(b) > 0)
				;
			String tail = new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
			int end = tail.length();
			while (end > 0 && Character.isWhitespace(tail.charAt(end - 1)))
				end--;
			return tail.substring(0, end).endsWith(closing);
		} finally {
			ch.close();
		}
	}
}
